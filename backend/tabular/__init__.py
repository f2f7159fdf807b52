"""Table library: reading uploaded files (format and encoding detection, chunked parsing, typing).

Plain Python with no Flask, storage or service imports: the services call it with a blob
(a binary file object) and get rows and column types back.
"""
