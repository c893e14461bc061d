"""Flows a Prefect user runs, for the reference client against prefectd:
retries, a cached task, tag-limited tasks, subflows, submitted tasks, a
flow retry and a failing flow, then a read-back of what was recorded."""
import asyncio

from prefect import flow, get_client, get_run_logger, task

attempts = {"n": 0}


@task(retries=2, retry_delay_seconds=0)
def flaky(x):
    attempts["n"] += 1
    if attempts["n"] < 2:
        raise ValueError("first attempt fails")
    return x * 2


@task(cache_key_fn=lambda *args, **kwargs: "fixed-key-1")
def cached(x):
    return x + 1


@task(tags=["db"])
def tagged():
    return "ok"


@task
def add(a, b):
    return a + b


@flow(log_prints=True)
def pipeline(n: int = 3):
    get_run_logger().info("starting with %s", n)
    doubled = flaky(n)
    print("results", doubled, cached(doubled), tagged())
    return doubled


@flow
def child(x):
    return add(x, 1)


@flow(retries=1, retry_delay_seconds=0)
def parent():
    total = sum(child(i) for i in range(3))
    futures = [add.submit(i, i) for i in range(4)]
    return total + sum(f.result() for f in futures)


@flow
def failing():
    raise RuntimeError("nope")


async def recorded():
    async with get_client() as client:
        runs = await client.read_flow_runs(limit=50)
        return sorted(run.state_type.value for run in runs)


if __name__ == "__main__":
    assert pipeline(3) == 6 and pipeline(3) == 6
    assert parent() == 18
    try:
        failing()
        raise SystemExit("failing() did not raise")
    except RuntimeError:
        pass
    states = asyncio.run(recorded())
    assert states.count("FAILED") == 1 and states.count("COMPLETED") == len(states) - 1, states
    print("RUNS OK", len(states), "flow runs recorded")
