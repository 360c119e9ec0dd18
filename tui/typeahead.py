"""Keys typed ahead of the app land where they were typed, in the order typed.

Textual hands each key to the focused widget's own message queue and goes on with
the next key at once; a Tab, an Enter or a dialog's ctrl+s is acted on only when
it has travelled back up to the App. Keys typed faster than that (a burst, a paste
of keystrokes, a busy machine) overtake it: digits typed after Tab land in the name
field, a note typed after Enter merges with the one before, a save misses the last
letters. This App holds each key (and paste) until everything the one before it
caused has been handled (every widget of the screen has processed its messages,
a dialog it opened has mounted and taken focus) and only then lets the next one
through. If the screen does not settle within ``SETTLE_TIMEOUT`` the next key goes
through anyway: the app never stops answering.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump

ReturnType = TypeVar("ReturnType")

SETTLE_TIMEOUT = 3.0
"""Longest a key waits for the one before it to be handled (seconds)."""
APP_QUEUE_ROUNDS = 8
"""How often the App lets its own queued work run first before releasing a key."""


class KeySettled(Message, bubble=False):
    """Everything the last key caused has been handled."""

    def __init__(self, rounds: int = 0) -> None:
        super().__init__()
        self.rounds = rounds


def _quiet(pump: MessagePump) -> bool:
    """Is ``pump`` waiting for its next message, with nothing queued or pending?

    Its message loop then sits in its queue's ``get`` (waiting on the queue's ready
    event; Textual 8.2.8's ``textual._queue.Queue``), so it is not in the middle of
    handling anything the last key caused: asking it to confirm (``_processed``) would
    only cost a message round-trip per widget, some sixty per key on a call. Anything
    else (a message queued, a handler running, a callback waiting, another Textual)
    is confirmed the slow way.
    """
    queue: Any = pump._message_queue
    if queue.qsize() or pump._pending_message is not None or pump._next_callbacks:
        return False
    ready = getattr(queue, "ready_event", None)
    waiters = getattr(ready, "_waiters", None) or ()
    return any(not waiter.done() for waiter in waiters)


async def _processed(pump: MessagePump) -> None:
    """Return once ``pump`` has handled everything queued for it before this call."""
    done = asyncio.Event()
    if pump.call_later(done.set):
        await done.wait()


class TypeAheadApp(App[ReturnType]):
    """An App that handles keys and pastes strictly one after the other."""

    def __init__(self) -> None:
        super().__init__()
        self._held_input: deque[events.Event] = deque()
        self._input_in_flight = False
        self._settle_tasks: set[asyncio.Task[None]] = set()

    def typing_pending(self) -> bool:
        """Keys or pastes received but not yet all handled."""
        return bool(self._held_input) or self._input_in_flight

    @staticmethod
    def _is_typed(event: events.Event) -> bool:
        return isinstance(event, events.Key | events.Paste) and not event.is_forwarded

    async def on_event(self, event: events.Event) -> None:
        if not self._is_typed(event):
            await super().on_event(event)
        elif self._input_in_flight:
            self._held_input.append(event)
        else:
            await self._let_through(event)

    async def _let_through(self, event: events.Event) -> None:
        self._input_in_flight = True
        target: MessagePump = self.focused or self.screen
        try:
            await super().on_event(event)
        finally:
            task = asyncio.create_task(self._settle(event, target))
            self._settle_tasks.add(task)
            task.add_done_callback(self._settle_tasks.discard)

    async def _settle(self, event: events.Event, target: MessagePump) -> None:
        try:
            await asyncio.wait_for(self._follow(event, target), SETTLE_TIMEOUT)
        except Exception:  # a timeout or a vanished screen: never keep keys back
            pass
        self.post_message(KeySettled())

    async def _follow(self, event: events.Event, target: MessagePump) -> None:
        """Follow the event up from the widget it went to, then let the screen settle."""
        if event.is_forwarded:
            node: MessagePump | None = target
            while node is not None and node is not self:
                await _processed(node)
                # Textual 8.2.8: a handled event is stopped (``_stop_propagation``);
                # otherwise it has been passed on to the parent by now.
                if event._stop_propagation or not event.bubble:
                    break
                node = node.parent if isinstance(node, DOMNode) else None
        for _ in range(3):
            screen = self.screen
            await asyncio.gather(*(_processed(pump)
                                   for pump in [screen, *screen.walk_children()]
                                   if not _quiet(pump)))
            if self.screen is screen:
                return

    async def on_key_settled(self, message: KeySettled) -> None:
        """Let the next held key through, after the App's own queued work."""
        if self.message_queue_size and message.rounds < APP_QUEUE_ROUNDS:
            self.post_message(KeySettled(message.rounds + 1))
            return
        if self._held_input:
            await self._let_through(self._held_input.popleft())
        else:
            self._input_in_flight = False
