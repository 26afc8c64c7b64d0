"""The Python API used by the CLI, the app, the evals and the benchmarks: `Assistant(settings).ask(...)`."""
from __future__ import annotations

import threading
from datetime import date

from assistant.answer import Answer
from assistant.config import Settings, load_settings
from assistant.retrieval import Filters
from assistant.slots import MAX_QUESTION_CHARS  # one cap for what is read, embedded and matched


class Assistant:
    """Opens the live index lazily; a rule question never loads the embedding stack."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or load_settings()
        self._index = None
        self._lock = threading.Lock()

    # --- index -----------------------------------------------------------------------------------

    @property
    def index(self):
        with self._lock:
            if self._index is None or self._index.is_stale():
                from assistant.store import LiveIndex

                self._index = LiveIndex(self.settings.store_dir, self.settings.embedding)
            return self._index

    def evidence(self):
        from assistant.evidence import Evidence
        from assistant.retrieval import Retriever

        index = self.index
        return Evidence(Retriever(index), index.register_path)

    def planner(self):
        if self.settings.llm_provider in ("", "none"):
            from assistant.planner import DeterministicPlanner

            return DeterministicPlanner(self.evidence())
        from assistant.agent import ModelPlanner, chat_model_from_settings

        return ModelPlanner(self.evidence(), chat_model_from_settings(self.settings), self.settings)

    # --- questions -------------------------------------------------------------------------------

    def ask(self, question: str, as_of: date | None = None, filters: Filters | None = None, planner=None,
            history: list[Answer] | None = None) -> Answer:
        """Answer one question; `history` holds the conversation's earlier answers, for short follow-ups."""
        question = (question or "").strip()
        if not question:
            raise ValueError("Spørgsmålet er tomt: skriv et spørgsmål på dansk eller engelsk.")
        if len(question) > MAX_QUESTION_CHARS:
            # Long pasted text: keep the end, where the question usually is.
            question = question[-MAX_QUESTION_CHARS:]
        as_of = as_of or date.today()
        planner = planner or self.planner()
        if history:
            return planner.answer(question, as_of, filters, history=history)
        return planner.answer(question, as_of, filters)

    def search(self, question: str, k: int = 5, filters: Filters | None = None, as_of: date | None = None,
               mode: str = "hybrid"):
        from assistant.retrieval import Retriever

        return Retriever(self.index).search(question, k=k, filters=filters, as_of=as_of, mode=mode)

    def decisions(self, query=None, body=None, since=None, until=None, item_type=None, verb=None, limit=200):
        from assistant.register import search_decisions

        return search_decisions(self.index.register_path, query=query, body=body,
                                since=since.isoformat() if since else None,
                                until=until.isoformat() if until else None,
                                item_type=item_type, verb=verb, limit=limit)
