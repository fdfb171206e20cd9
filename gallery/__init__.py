"""Galleries of enrolled faces for 1:N identification, and face clustering.

Plain modules, testable without BentoML:

- database.py: the SQLite (embedded default) and PostgreSQL (several replicas)
  connections, one interface, writes serialised;
- migrations.py: the versioned schema;
- store.py: galleries, subjects, faces and their templates, and the change log;
- search.py: the in-memory index of one gallery (exact numpy, or usearch's HNSW);
- replica.py: a replica's indexes, kept in step with the database;
- clustering.py: Chinese whispers over the verification graph;
- operating_point.py: the open-set threshold from the FAR calibration table;
- api.py: the HTTP routes under /galleries and /cluster (mounted by service.py);
- openapi.py: those routes in the service's /docs.json;
- __main__.py: the command line (import a folder, migrate a gallery).

docs/identification.md is the user's guide.
"""
