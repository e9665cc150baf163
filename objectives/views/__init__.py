"""The objectives app's pages, one module per capability."""
