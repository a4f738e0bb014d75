"""Writes the alert sounds (16-bit mono WAV) with the standard library: no downloaded audio."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050


def tone_sequence(notes: list[tuple[float, float]], volume: float = 0.5) -> bytes:
    """(frequency Hz, seconds) pairs; 0 Hz is silence. Short fades avoid clicks."""
    frames = bytearray()
    for freq, seconds in notes:
        n = int(RATE * seconds)
        fade = min(n // 2, int(RATE * 0.008))
        for i in range(n):
            env = min(1.0, i / fade if fade else 1.0, (n - i) / fade if fade else 1.0)
            # A little third harmonic makes the tone cut through a noisy room.
            s = 0.0 if freq <= 0 else (math.sin(2 * math.pi * freq * i / RATE)
                                        + 0.3 * math.sin(6 * math.pi * freq * i / RATE)) / 1.3
            frames += struct.pack("<h", int(32767 * volume * env * s))
    return bytes(frames)


def write(path: Path, data: bytes) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    # Near breach: two rising chimes. Breach: three insistent high beeps.
    write(here / "near.wav", tone_sequence([(660, 0.12), (0, 0.05), (880, 0.18)], 0.45))
    write(here / "breach.wav", tone_sequence([(1046, 0.12), (0, 0.06)] * 3, 0.6))
