# Sourced by the setup scripts of the Python tools the tests drive (setup-openai-client.sh,
# setup-schemathesis.sh): `make_venv DIR` creates a venv at DIR, installing python3-venv
# from apt first when this Python cannot make one.
make_venv() {
    command -v python3 >/dev/null || { echo "setup: python3 is needed for $1" >&2; return 1; }
    python3 -m venv "$1" 2>/dev/null || {
        local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        $SUDO apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$1"
    }
}
