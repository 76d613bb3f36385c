"""Test your own scripts without a PBX: ``Simulator`` runs the SDK's faithful simulator of
the MikoPBX API in this process.

>>> import mikopbx
>>> from mikopbx.testing import Simulator
>>> with Simulator() as sim:
...     client = mikopbx.Client(sim.url, login=sim.login, password=sim.password)
...     sim.add_fault(kind="status", status=503, count=1)
"""

from ._native import Simulator

__all__ = ["Simulator"]
