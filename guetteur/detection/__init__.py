"""Detection: score every listing at submission, decide allow / hold / block, with reasons.

Signals (brand_signals, vocabulary, price, images, seller, history) → features (one Arrow batch)
→ scoring (pure: text model + LightGBM + calibration + rules + reasons) → engines (engine_local).
training / evaluation learn from verdicts before a cutoff and measure on the time after it;
service scores stored listings and keeps the model registry; cli adds `train` and `scan`.
"""
