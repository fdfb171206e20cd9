"""What the front service (service.py) does below its routes, in plain modules that
run without BentoML: answers and errors (`http`), the model-service clients
(`model_clients`), the request bodies (`requests`), and the flows that decode a
request's images and run the analysis on them (`flows`). Response shapes are in
responses/."""
