.PHONY: run test bench-storage
run:
	scripts/run.sh
test:
	scripts/test.sh
bench-storage:
	bash Benchmarks/storage/run.sh
