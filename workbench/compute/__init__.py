"""Running the analysis beyond this computer: a Dask cluster (optional extra ``[cluster]``).

Nothing here imports dask at module load: :mod:`workbench.compute.target` parses where to
compute and says plainly when the extra is missing; the engine modules (``dask_*``) import dask
inside their functions, so the app and the CLI run without it.
"""
