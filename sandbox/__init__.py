"""A runnable fake BambooHR + Personio speaking the real wire formats, for the demo, tests and benchmarks."""
