"""The Qt window. Talks to the library only through ``reader.library.Library``."""
