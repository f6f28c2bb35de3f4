"""The parts HubNotifier is built from, in the order data flows through them.

`bus` receives every account's root activity, `buffer` queues it for the notifier, `topic` is where
notifications go, `notifier` is the function between the two; the hub's own account forwards to its bus
like a spoke (`..spoke.cover_account`). Each part returns a frozen dataclass of the resources it made;
`pipeline` assembles them, with the heartbeat table, the watchdog and the hub region's alarms.
"""
