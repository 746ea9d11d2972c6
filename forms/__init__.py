"""Service catalog, field validators, expressions, materials logic and working-day calendar."""

from forms.collection import Catalog, lint, load_catalog
from forms.errors import CatalogError, CatalogInvalid, FormsError, ItemNotFound

__all__ = ["Catalog", "CatalogError", "CatalogInvalid", "FormsError", "ItemNotFound", "lint",
           "load_catalog"]
