"""What tests, benchmarks and training scripts share, so none imports another's:
real photos from registry packages, a `bentoml serve` runner, the real models
in-process, throwaway model stores and tiny Hugging Face checkpoints."""
