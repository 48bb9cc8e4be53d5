# The production image: one static-ish binary on a slim Debian, run as an unprivileged user.
# Build: docker compose build (see docker-compose.yml and the README).
FROM rust:1.95-bookworm AS build
WORKDIR /src
# The dependencies first, in a layer of their own: a change to the sources rebuilds from the
# second `cargo build` on, not the crates. The manifests' own targets stand in as empty files
# (cargo reads every target a manifest names), and their build marks are removed with them so
# the real sources are compiled afresh.
COPY Cargo.toml Cargo.lock ./
COPY entity/Cargo.toml entity/
COPY migration/Cargo.toml migration/
RUN mkdir -p src entity/src migration/src benches examples tests/api \
 && touch src/lib.rs entity/src/lib.rs migration/src/lib.rs \
 && for target in src/main.rs tests/api/main.rs benches/pipeline.rs examples/fake_wechat.rs \
      examples/photo_fixture.rs examples/bench_notify.rs examples/bombs.rs; do \
      echo 'fn main() {}' > "$target"; done \
 && cargo build --release --locked --bin green-channel \
 && rm -rf src entity/src migration/src benches examples tests \
      target/release/.fingerprint/green-channel-* target/release/.fingerprint/entity-* \
      target/release/.fingerprint/migration-*
COPY . .
RUN cargo build --release --locked --bin green-channel

FROM debian:bookworm-slim
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=build /src/target/release/green-channel /usr/local/bin/green-channel
# The product plans are data, read at start from ./products (APP_PLANS__DIR).
COPY products /app/products
# The subscribe templates (APP_NOTIFICATIONS__TEMPLATES_FILE): a deployment mounts its own copy
# with the template ids from mp.weixin.qq.com; production refuses the shipped placeholders.
COPY config/subscribe_templates.toml /app/config/subscribe_templates.toml
USER app
ENV APP_PROFILE=production
# The binary allocates with mimalloc (2.x); freed memory goes back to the kernel at once rather
# than after mimalloc's default 10 ms, so photo buffers (up to 10 MB each) do not pile up between
# uploads (peak RSS under eight 10 MB uploads: 233 → 192 MiB; BENCHMARKS.md).
ENV MIMALLOC_PURGE_DELAY=0
# …and its arenas committed as they are used rather than whole: with them committed whole, the
# pages purged after a sideways photo's turn stayed resident (peak RSS under eight concurrent
# sideways 12 MP uploads 202 → 162 MiB, idle 63 → 47 MiB; BENCHMARKS.md).
ENV MIMALLOC_ARENA_EAGER_COMMIT=0
EXPOSE 8080
# The service and the worker answer /health/ready on the configured port; `green-channel probe`
# asks it (the slim image has no curl): docker-compose.yml's healthchecks use it.
ENTRYPOINT ["green-channel"]
CMD ["serve"]
