"""Many ECGs in one run: `ecgcrt batch`, the GUI's folder analysis, the training cohort step, the benchmarks.

inputs (files, folders, cohort CSVs -> BatchItem) -> engine (processes or Dask) running task.assess
-> columns (one flat row per ECG, a versioned column set) -> table (CSV/Parquet, journal, resume);
run.run_batch ties them together.
"""
