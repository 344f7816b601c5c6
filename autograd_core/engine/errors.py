"""The library's own exceptions."""


class AnomalyError(FloatingPointError):
    """Raised inside ``detect_anomaly()`` by the first op whose forward result or backward
    contribution is not finite although its inputs were."""
