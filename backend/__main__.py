"""Development server: `python -m backend` (HOST:PORT, default 127.0.0.1:5000)."""

from backend.app import create_app
from backend.config import Config
from backend.servers import ProblemRequestHandler
from backend.storage.sweep import sweep_at_boot


def main() -> None:
    config = Config.from_env()
    sweep_at_boot(config)  # once, before serving (under gunicorn: its master, gunicorn.conf.py)
    app = create_app(config)
    # threaded: Server-Sent Events hold a connection each.
    # ProblemRequestHandler: the server's own refusals (414 for a request line over 64 KiB) are problem+json.
    app.run(
        host=config.host,
        port=config.port,
        threaded=True,
        debug=False,
        request_handler=ProblemRequestHandler,
    )


if __name__ == "__main__":
    main()
