"""digest: neutral news briefings in which every sentence carries [n] citations."""

from digest.errors import DigestError
from digest.models import Article, Chunk, Hit, StoredArticle

__all__ = ["Article", "Chunk", "DigestError", "Hit", "StoredArticle"]
__version__ = "0.1.0"
