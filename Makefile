.PHONY: run demo test bench-server bench-storage bench-vector bench-text bench-mixed bench-embed
run:
	scripts/run.sh
demo:
	scripts/demo.sh
test:
	scripts/test.sh
bench-storage:
	bash Benchmarks/storage/run.sh
bench-vector:
	bash Benchmarks/vector/run.sh
bench-text:
	bash Benchmarks/text/run.sh
bench-mixed:
	bash Benchmarks/mixed/run.sh
bench-server:
	bash Benchmarks/server/run.sh
bench-embed:
	bash Benchmarks/embed/run.sh
