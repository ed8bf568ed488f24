"""The scheduled sync inside `serve`: a background task in the app's lifespan (opt-in)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from guetteur.sharing import sync

log = logging.getLogger("guetteur.sharing")


async def _loop(app: FastAPI, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(
                sync.sync_all, app.state.sessions, secret=app.state.settings.secret_key
            )
        except Exception:  # one failed run must not stop the schedule
            log.exception("scheduled sharing sync failed")


def start(app: FastAPI) -> asyncio.Task[None] | None:
    """Start the periodic sync when GUETTEUR_SYNC_INTERVAL_SECONDS > 0."""
    interval = float(app.state.settings.sync_interval_seconds)
    if interval <= 0:
        return None
    return asyncio.create_task(_loop(app, interval))


async def stop(task: asyncio.Task[None] | None) -> None:
    """Cancel the periodic sync."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
