"""Receipt PDF benchmark: Mẫu 01 against a one-page baseline in the same run.

Each receipt is a different dossier (its own code, so its own QR symbol: the per-value cache in
`documents.layout.qr_runs` does not flatter the figure), rendered as the counter serves it
(`documents.render.render_form`, unsigned). The baseline is the cheapest PDF of the same family: one
A5 page through `documents.layout.build_pdf` with the same embedded fonts and one paragraph, so the
ratio shows what the form's own layout costs above a PDF at all. Alternating rounds; medians.

    python -m bench.receipt [N [ROUNDS]]     (default 200 receipts in 5 rounds)
"""
import statistics
import sys
import time

from bench.common import setup_django, throwaway_database


def run(n: int = 200, rounds: int = 5):
    setup_django()
    from reportlab.platypus import Paragraph

    from bench.lifecycle import build_world
    from documents import layout
    from documents import render as forms
    from documents.receipt import status_url_for
    from workflows import services

    with throwaway_database():
        counter, proc, users = build_world()
        docs = [d.pk for d in proc.documents.all()]
        dossiers = [
            services.receive(actor=users["clerk"], procedure=proc, agency=counter, document_ids=docs,
                             applicant=services.Applicant(name=f"Nguyễn Văn Bench {i}", phone="0912345678",
                                                          address="Bản Nà Đon, xã Bench")).dossier
            for i in range(n + 10)
        ]
        warm, dossiers = dossiers[:10], dossiers[10:]
        st = layout.Styles()

        def baseline(i):
            layout.build_pdf([Paragraph(f"Mã hồ sơ {i}", st.body)], pagesize=layout.PAPER_A5, title="b",
                             author="b", subject="b", footer="b")

        for d in warm:
            forms.render_form("receipt", d)
            baseline(d.pk)
        form_ms, form_cpu, base_ms, qr_ms, round_ratios = [], [], [], [], []
        size = max(1, n // rounds)
        for r in range(rounds):
            batch = dossiers[r * size:(r + 1) * size]
            form_round, base_round = [], []
            for d in batch:
                start, cpu = time.perf_counter(), time.process_time()
                forms.render_form("receipt", d)
                form_round.append(time.perf_counter() - start)
                form_cpu.append(time.process_time() - cpu)
                start = time.perf_counter()
                baseline(d.pk)
                base_round.append(time.perf_counter() - start)
            for d in batch:  # the QR's share: encoding a value not seen yet, as a receipt's first print does
                value = status_url_for(d.code) + "#qr"
                start = time.process_time()
                layout.qr_runs(value)
                qr_ms.append(time.process_time() - start)
            form_ms += form_round
            base_ms += base_round
            round_ratios.append(statistics.median(form_round) / statistics.median(base_round))
        med = statistics.median
        print(f"receipt PDF (Mẫu 01, A5, unsigned), {size * rounds} dossiers in {rounds} rounds")
        print(f"  receipt median {med(form_ms) * 1000:.1f} ms wall, {med(form_cpu) * 1000:.1f} ms CPU; "
              f"p90 {sorted(form_ms)[int(len(form_ms) * 0.9)] * 1000:.1f} ms wall")
        print(f"  baseline (one A5 page, same fonts) median {med(base_ms) * 1000:.1f} ms")
        print(f"  QR symbol (encode, first print) median {med(qr_ms) * 1000:.2f} ms CPU "
              f"= {med(qr_ms) / med(form_cpu) * 100:.0f}% of a receipt's CPU")
        print(f"  receipt ÷ baseline {med(round_ratios):.2f} (rounds {min(round_ratios):.2f}–{max(round_ratios):.2f})")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    run(*args)
