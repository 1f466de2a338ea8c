.PHONY: run test bench-storage bench-vector
run:
	scripts/run.sh
test:
	scripts/test.sh
bench-storage:
	bash Benchmarks/storage/run.sh
bench-vector:
	bash Benchmarks/vector/run.sh
