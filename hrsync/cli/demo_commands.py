"""`hrsync demo` and `hrsync sandbox`."""

from __future__ import annotations

import click

from hrsync.cli.errors import user_errors


@click.command()
@click.option("--employees", default=300, show_default=True, type=click.IntRange(10, 100_000),
              help="Generated employees per HR system.")
@click.option("--serve", is_flag=True,
              help="Instead: serve the last demo's console at PUBLIC_BASE_URL (until Ctrl-C), with its sandbox HR "
                   "systems and a worker.")
@click.pass_obj
@user_errors
def demo(app, employees: int, serve: bool) -> None:
    """Run the main job on embedded defaults, start to finish, in well under a minute.

    Sandbox HR systems, SQLite under instance/demo (wiped each run), Redis at
    REDIS_URL if it answers (else an in-process fake), the web app and a worker in this process:
    three companies set up through the admin API, a cron resync, signed webhooks, the change sets
    as tables, and one approved with the approver's password. `--serve` then serves that database's
    console (with the same Redis choice), the sandbox HR systems the companies are connected to and
    a worker thread: sign in, Load fields, Sync now and approve in a browser.

    Example: hrsync demo --employees 300
    """
    if serve:
        from hrsync.demo.infra import demo_folder
        from hrsync.demo.serve import serve_demo

        serve_demo(demo_folder(app.settings), click.echo)
    else:
        from hrsync.demo.run import run_demo

        run_demo(app.settings, employees)


@click.command()
@click.option("--employees", default=100, show_default=True, type=click.IntRange(0, 1_000_000),
              help="Generated employees per tenant.")
@click.option("--port", default=8081, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--seed", default=1, show_default=True, help="Seed of the generated people.")
def sandbox(employees: int, port: int, seed: int) -> None:
    """Serve fake HR systems (real wire formats, one tenant each) on loopback until Ctrl-C.

    Example: hrsync sandbox --employees 500 --port 8081
    """
    from sandbox.server import serve

    serve(port=port, employees=employees, seed=seed, echo=click.echo)
