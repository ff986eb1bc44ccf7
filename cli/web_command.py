"""`mappa web`: the pages for OMU staff, served by uvicorn (see docs/operations.md for TLS and sign-in)."""

from __future__ import annotations

import typer

from cli.common import UserError, settings


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback unless behind a proxy)."),
    port: int = typer.Option(8080, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the caseload, case and record pages, behind single sign-on.

    Needs MAPPA_OIDC_ISSUER, MAPPA_OIDC_CLIENT_ID, MAPPA_OIDC_CLIENT_SECRET (or
    _FILE), MAPPA_WEB_SECRET_KEY (or _FILE) and MAPPA_WEB_ACCESS_FILE.
    """
    import uvicorn

    from cli.web.access import AccessFileError
    from cli.web.app import WebSettingsError, create_app

    try:
        app = create_app(settings(), host=host)
    except (WebSettingsError, AccessFileError) as error:
        raise UserError(str(error)) from None
    uvicorn.run(app, host=host, port=port, proxy_headers=True, server_header=False, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("web")(web)
