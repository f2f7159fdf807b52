"""Development server: `python -m backend` (HOST:PORT, default 127.0.0.1:5000)."""

from backend.app import create_app
from backend.config import Config


def main() -> None:
    config = Config.from_env()
    app = create_app(config)
    # threaded: Server-Sent Events hold a connection each.
    app.run(host=config.host, port=config.port, threaded=True, debug=False)


if __name__ == "__main__":
    main()
