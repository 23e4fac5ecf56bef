"""The embedded PDF viewer: a tab that shows one paper, fed by the render process."""
