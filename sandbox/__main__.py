"""`python -m sandbox [--host 127.0.0.1] [--port 8001] [--db PATH] [--workers N]`"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from .app import build_services, configure_server, create_app
from .cors import describe
from .memory import return_freed_memory
from .server import uvicorn_options
from .settings import DEFAULT_DB, Settings, SettingsError
from .spec import SpecError

LAUNCH_ENV = "SANDBOX_LAUNCH"  # the command line, handed to worker processes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="bkend Auth & User API sandbox")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="SQLite file (DATABASE_URL overrides)")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes serving one database (rate limits and state are shared through it)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return_freed_memory()  # before any thread starts

    launch = {"db": str(args.db), "host": args.host, "port": args.port, "workers": args.workers}
    try:
        settings = settings_for(launch)
        if settings.database_url.startswith("sqlite"):
            args.db.parent.mkdir(parents=True, exist_ok=True)
        services = build_services(settings)  # checks the spec and migrates the database once
        app = create_app(settings, services=services) if args.workers == 1 else None
        configure_server(settings, services)
    except (SettingsError, SpecError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2

    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"bkend sandbox listening on http://{shown_host}:{args.port}", flush=True)
    print(f"publishable key (X-API-Key): {services.spec.audience}", flush=True)
    print(f"browser origins allowed (SANDBOX_CORS_ORIGINS): {describe(settings.cors_origins)}", flush=True)
    options = uvicorn_options(settings)
    if app is not None:
        uvicorn.run(app, host=args.host, port=args.port, **options)
        return 0
    services.store.close()
    os.environ[LAUNCH_ENV] = json.dumps(launch)
    uvicorn.run("sandbox.__main__:worker_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, **options)
    return 0


def settings_for(launch: dict) -> Settings:
    return Settings.from_env(db_path=Path(launch["db"]), host=launch["host"], port=int(launch["port"]),
                             workers=int(launch["workers"]))


def worker_app() -> Starlette:
    """One worker process of `--workers N`: the same settings, the same database."""
    return_freed_memory()
    settings = settings_for(json.loads(os.environ[LAUNCH_ENV]))
    services = build_services(settings)
    configure_server(settings, services)
    return create_app(settings, services=services)


if __name__ == "__main__":
    sys.exit(main())
