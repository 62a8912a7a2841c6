"""The same analysis on several cores (worker processes) or on a Dask cluster."""
