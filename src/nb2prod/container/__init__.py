"""Container images of generated packages: the Dockerfile as text, and the build.

``render_dockerfile`` and ``render_dockerignore`` are pure; ``build_image`` talks to a Docker
engine (the SDK is imported only when a build starts).
"""

from __future__ import annotations

from nb2prod.container.dockerfile import base_image, render_dockerfile, render_dockerignore
from nb2prod.container.facts import PackageFacts, image_labels, read_facts

__all__ = [
    "PackageFacts",
    "base_image",
    "image_labels",
    "read_facts",
    "render_dockerfile",
    "render_dockerignore",
]
