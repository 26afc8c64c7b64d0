"""The assistant: configuration, retrieval, planners, answers, CLI."""
