"""HTTP edge: one flask-smorest blueprint per resource; views parse, call a service, serialize."""
