"""pyHanko's synchronous API runs its coroutines with asyncio.run, which refuses to start inside a
thread whose event loop is already running (an async server, or a test driving a browser). Such a
call goes to a worker thread of its own; elsewhere it runs in place."""
import asyncio
from concurrent.futures import ThreadPoolExecutor


def call(fn, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
