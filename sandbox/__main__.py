"""`python -m sandbox [--host 127.0.0.1] [--port 8001] [--db PATH]`"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from .app import build_services, create_app
from .cors import describe
from .settings import DEFAULT_DB, Settings, SettingsError
from .spec import SpecError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="bkend Auth & User API sandbox")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="SQLite file (DATABASE_URL overrides)")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(db_path=args.db, host=args.host, port=args.port)
        if settings.database_url.startswith("sqlite"):
            args.db.parent.mkdir(parents=True, exist_ok=True)
        services = build_services(settings)
        app = create_app(settings, services=services)
    except (SettingsError, SpecError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2

    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"bkend sandbox listening on http://{shown_host}:{args.port}", flush=True)
    print(f"publishable key (X-API-Key): {services.spec.audience}", flush=True)
    print(f"browser origins allowed (SANDBOX_CORS_ORIGINS): {describe(settings.cors_origins)}", flush=True)
    trusted = settings.trusted_proxies
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False,
                proxy_headers=bool(trusted), forwarded_allow_ips=",".join(trusted) or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
