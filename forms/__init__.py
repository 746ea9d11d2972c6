"""Service catalog, field validators, expressions, materials logic and working-day calendar."""

from forms.collection import Catalog, lint, load_catalog
from forms.engine import evaluate
from forms.errors import CatalogError, CatalogInvalid, FormsError, ItemNotFound

__all__ = ["Catalog", "CatalogError", "CatalogInvalid", "FormsError", "ItemNotFound", "evaluate", "lint",
           "load_catalog"]
