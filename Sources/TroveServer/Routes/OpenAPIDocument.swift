/// The API's OpenAPI 3.1 document, maintained by hand beside the routes (a test checks
/// that it lists exactly the routes the router has), and the `/docs` page that renders it.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Trove API",
  "version": "1.0.0",
  "description": "Agents, conversations, messages with token usage, files and RAG, and an OpenAI-compatible /v1, over Trove's embedded engine."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "paths": {
  "/health": {
   "get": {
    "summary": "Liveness, engine and chat provider status",
    "tags": [
     "system"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics: requests and latency by route, LLM latency, tokens, index sizes",
    "tags": [
     "system"
    ],
    "responses": {
     "200": {
      "description": "Prometheus text",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "tags": [
     "system"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/docs": {
   "get": {
    "summary": "A page that renders this document",
    "tags": [
     "system"
    ],
    "responses": {
     "200": {
      "description": "HTML",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/auth/login": {
   "post": {
    "summary": "Exchange a username and password for an access token (JWT, HS256)",
    "tags": [
     "auth"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "username",
         "password"
        ],
        "properties": {
         "username": {
          "type": "string"
         },
         "password": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Token",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "access_token",
          "token_type",
          "expires_in"
         ],
         "properties": {
          "access_token": {
           "type": "string"
          },
          "token_type": {
           "const": "bearer"
          },
          "expires_in": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/api/auth/me": {
   "get": {
    "summary": "The calling user",
    "tags": [
     "auth"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/keys": {
   "post": {
    "summary": "Create an API key (trv_\u2026, shown once)",
    "tags": [
     "auth"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [],
        "properties": {
         "name": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "get": {
    "summary": "List the caller's API keys",
    "tags": [
     "auth"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/keys/{id}": {
   "delete": {
    "summary": "Revoke an API key",
    "tags": [
     "auth"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/users": {
   "post": {
    "summary": "Create a user (admin)",
    "tags": [
     "users"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "username",
         "password"
        ],
        "properties": {
         "username": {
          "type": "string"
         },
         "password": {
          "type": "string"
         },
         "role": {
          "enum": [
           "admin",
           "user"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "get": {
    "summary": "List users (admin)",
    "tags": [
     "users"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/users/{id}": {
   "patch": {
    "summary": "Disable or enable a user (admin)",
    "tags": [
     "users"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "disabled"
        ],
        "properties": {
         "disabled": {
          "type": "boolean"
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "delete": {
    "summary": "Delete a user and their API keys (admin)",
    "tags": [
     "users"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/agents": {
   "post": {
    "summary": "Create an agent",
    "tags": [
     "agents"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AgentInput"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "get": {
    "summary": "List agents, newest first",
    "tags": [
     "agents"
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "1 to 1000 (default 50)"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "next_cursor of the previous page"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/agents/{id}": {
   "get": {
    "summary": "Read an agent",
    "tags": [
     "agents"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "patch": {
    "summary": "Change an agent's fields",
    "tags": [
     "agents"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/AgentInput"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "delete": {
    "summary": "Delete an agent",
    "tags": [
     "agents"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/conversations": {
   "post": {
    "summary": "Create a conversation",
    "tags": [
     "conversations"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [],
        "properties": {
         "agent_id": {
          "type": "string"
         },
         "title": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "get": {
    "summary": "List conversations by last activity",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "1 to 1000 (default 50)"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "next_cursor of the previous page"
     },
     {
      "name": "agent_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "only this agent's"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/conversations/{id}": {
   "get": {
    "summary": "Read a conversation",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "patch": {
    "summary": "Rename",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "title"
        ],
        "properties": {
         "title": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "delete": {
    "summary": "Delete with all its messages",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/conversations/{id}/messages": {
   "get": {
    "summary": "Messages, oldest first",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "1 to 1000 (default 50)"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "next_cursor of the previous page"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "post": {
    "summary": "Send a message; stream=true answers server-sent events (delta, tool_step, done)",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "stream",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "true for SSE"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "content"
        ],
        "properties": {
         "content": {
          "type": "string"
         },
         "attachments": {
          "type": "array",
          "items": {
           "type": "string"
          }
         },
         "stream": {
          "type": "boolean"
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "The stored exchange",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       },
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/conversations/{id}/tokens": {
   "get": {
    "summary": "Token totals of a conversation",
    "tags": [
     "conversations"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/messages/search": {
   "get": {
    "summary": "Search messages by text and time",
    "tags": [
     "messages"
    ],
    "parameters": [
     {
      "name": "q",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "words"
     },
     {
      "name": "from",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "RFC 3339 or microseconds"
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "RFC 3339 or microseconds"
     },
     {
      "name": "conversation_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "one conversation"
     },
     {
      "name": "order",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "newest or relevance"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "1 to 1000 (default 50)"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "next_cursor of the previous page"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/usage": {
   "get": {
    "summary": "Token totals per UTC day",
    "tags": [
     "usage"
    ],
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "RFC 3339"
     },
     {
      "name": "to",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "RFC 3339"
     },
     {
      "name": "agent_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "one agent"
     },
     {
      "name": "by",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "agent: per day and agent"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/files": {
   "post": {
    "summary": "Upload a file (multipart field 'file', optional 'collection'; or a raw body with ?name=)",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "name",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "raw uploads: the file name"
     },
     {
      "name": "collection",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "knowledge collection"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "multipart/form-data": {
       "schema": {
        "type": "object",
        "required": [
         "file"
        ],
        "properties": {
         "file": {
          "type": "string",
          "contentMediaType": "application/octet-stream"
         },
         "collection": {
          "type": "string"
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "get": {
    "summary": "List files, newest first",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "1 to 1000 (default 50)"
     },
     {
      "name": "cursor",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "next_cursor of the previous page"
     },
     {
      "name": "collection",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "one collection"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/files/{id}": {
   "get": {
    "summary": "Read a file's metadata",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   },
   "delete": {
    "summary": "Delete a file, its chunks, and its bytes when unshared",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/api/files/{id}/url": {
   "get": {
    "summary": "A signed download link",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "expires_in",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "seconds, 1 to 604800"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/files/signed/{token}": {
   "get": {
    "summary": "Download through a signed link",
    "tags": [
     "files"
    ],
    "parameters": [
     {
      "name": "token",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The file's bytes",
      "content": {
       "application/octet-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": []
   }
  },
  "/v1/models": {
   "get": {
    "summary": "Models of the configured provider and the caller's agents",
    "tags": [
     "openai"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/v1/chat/completions": {
   "post": {
    "summary": "OpenAI chat completion (stream: true for SSE chunks ending in [DONE]); an agent id as model; conversation_id to persist",
    "tags": [
     "openai"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ChatCompletionRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/v1/embeddings": {
   "post": {
    "summary": "OpenAI embeddings with the configured embedder",
    "tags": [
     "openai"
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "required": [
         "input"
        ],
        "properties": {
         "model": {
          "type": "string"
         },
         "input": {
          "oneOf": [
           {
            "type": "string"
           },
           {
            "type": "array",
            "items": {
             "type": "string"
            }
           }
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "4XX": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "An access token from /api/auth/login or an API key (trv_\u2026)"
   }
  },
  "responses": {
   "Error": {
    "description": "An error in OpenAI's shape",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "type": "object",
      "required": [
       "message",
       "type"
      ],
      "properties": {
       "message": {
        "type": "string"
       },
       "type": {
        "type": "string"
       },
       "code": {
        "type": [
         "string",
         "null"
        ],
        "description": "the field path or cause"
       }
      }
     }
    }
   },
   "AgentInput": {
    "type": "object",
    "required": [],
    "properties": {
     "name": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "system_prompt": {
      "type": "string"
     },
     "provider": {
      "enum": [
       "openai",
       "ollama",
       "anthropic",
       null
      ]
     },
     "model": {
      "type": [
       "string",
       "null"
      ]
     },
     "temperature": {
      "type": [
       "number",
       "null"
      ],
      "minimum": 0,
      "maximum": 2
     },
     "top_p": {
      "type": [
       "number",
       "null"
      ]
     },
     "max_output_tokens": {
      "type": "integer"
     },
     "context_budget": {
      "type": "integer"
     },
     "retrieval": {
      "type": "object",
      "required": [],
      "properties": {
       "enabled": {
        "type": "boolean"
       },
       "collections": {
        "type": "array",
        "items": {
         "type": "string"
        }
       },
       "top_k": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100
       },
       "hybrid": {
        "type": "boolean"
       },
       "min_score": {
        "type": "number"
       }
      }
     },
     "tools": {
      "type": "array",
      "items": {
       "enum": [
        "search_documents",
        "search_messages",
        "calculator",
        "current_time"
       ]
      }
     },
     "max_tool_steps": {
      "type": "integer"
     }
    }
   },
   "ChatCompletionRequest": {
    "type": "object",
    "required": [
     "model",
     "messages"
    ],
    "properties": {
     "model": {
      "type": "string"
     },
     "messages": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "role"
       ],
       "properties": {
        "role": {
         "enum": [
          "system",
          "developer",
          "user",
          "assistant",
          "tool"
         ]
        },
        "content": {}
       }
      }
     },
     "stream": {
      "type": "boolean"
     },
     "temperature": {
      "type": "number"
     },
     "top_p": {
      "type": "number"
     },
     "max_tokens": {
      "type": "integer"
     },
     "tools": {
      "type": "array"
     },
     "conversation_id": {
      "type": "string"
     }
    }
   }
  }
 }
}
"""#

    static let page = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trove API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{margin-top:2rem;text-transform:capitalize}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}
.m{display:inline-block;width:4.5rem;font-weight:600}.get{color:#0a6}.post{color:#06c}.patch{color:#a60}.delete{color:#c22}
.lock{color:#888;font-size:.85em}</style></head>
<body><h1>Trove API</h1><p id="d"></p><div id="routes">Loading <code>/openapi.json</code>…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('d').textContent = doc.info.description;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops))
      (byTag[op.tags[0]] = byTag[op.tags[0]] || []).push({path, method, op});
  const out = [];
  for (const [tag, items] of Object.entries(byTag)) {
    out.push('<h2>' + tag + '</h2><ul>');
    for (const {path, method, op} of items)
      out.push('<li><span class="m ' + method + '">' + method.toUpperCase() + '</span><code>' + path + '</code> ' + op.summary +
               (op.security && op.security.length ? ' <span class="lock">(bearer)</span>' : '') + '</li>');
    out.push('</ul>');
  }
  document.getElementById('routes').innerHTML = out.join('');
});
</script></body></html>
"""#
}
