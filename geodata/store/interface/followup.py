"""Follow-up: the judgements of a pledge's promises and goals per period, and documents kept with every version."""

from __future__ import annotations

from abc import ABC, abstractmethod

from geodata.followup import Judgement, StoredDocument


class FollowUpStore(ABC):
    """Judgements and versioned documents; nothing is ever overwritten, each save is a new version."""

    @abstractmethod
    def save_judgement(self, judgement: Judgement, expected_version: int, actor: str = "local") -> Judgement:
        """Store ``judgement`` as the next version for its pledge, subject and period; audited; returns it as stored.

        ``expected_version`` is the version the judge started from (0 for the first): a judgement saved by
        someone else meanwhile raises :class:`~geodata.errors.VersionConflictError` and nothing is stored. A
        judgement of a promise or goal the pledge does not have, of a period it does not have, or with a
        status not allowed for its subject raises :class:`~geodata.errors.ValidationError` naming each. The same
        status and text as the version it started from is not saved again: that version is returned as it is.
        """

    @abstractmethod
    def read_judgements(self, pledge_id: str, subject_id: str | None = None) -> list[Judgement]:
        """Every version of every judgement of the pledge (or of one promise or goal), oldest first."""

    @abstractmethod
    def save_document(self, document: StoredDocument, expected_version: int, actor: str = "local") -> StoredDocument:
        """Store ``document`` as the next version of its kind and key; audited; conflicts as for judgements."""

    @abstractmethod
    def read_documents(self, kind: str, key: str | None = None) -> list[StoredDocument]:
        """Every version of the documents of ``kind`` (or of one key), by key and then oldest first."""
