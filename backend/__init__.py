"""The dataset-to-insight service: Flask HTTP edge, plain-Python services, two stores."""
