"""Check a carrier's icon: a 230x230 PNG whose background is the carrier's brand colour."""

from __future__ import annotations

import io

from pbxconn.core.errors import InputError

ICON_SIZE = (230, 230)


def check_icon(data: bytes, brand_color: str, where: str) -> None:
    """Raise an InputError unless `data` is a 230x230 PNG with `brand_color` in all four corners."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # PIL's messages name an in-memory buffer, which tells the user nothing
        raise InputError("icon is not a readable PNG image (its format cannot be recognised)", location=where) from None
    if image.format != "PNG":
        raise InputError(f"icon must be a PNG, not {image.format}", location=where)
    if image.size != ICON_SIZE:
        raise InputError(f"icon is {image.size[0]}x{image.size[1]} pixels; expected 230x230", location=where)
    rgba = image.convert("RGBA")
    want = tuple(int(brand_color[i:i + 2], 16) for i in (1, 3, 5))
    w, h = image.size
    for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        r, g, b, a = rgba.getpixel(xy)
        if a != 255 or (r, g, b) != want:
            found = f"#{r:02x}{g:02x}{b:02x}" + ("" if a == 255 else f" (alpha {a})")
            raise InputError(f"icon background at pixel {xy} is {found}; expected the brand colour "
                             f"{brand_color.lower()} (opaque)", location=where,
                             hint="the background must be non-transparent and equal iconBrandColor")
