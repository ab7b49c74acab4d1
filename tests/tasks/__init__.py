"""The task queue: the consumer, the task view, and task payloads from the wild."""
