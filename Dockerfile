# The production image: one static-ish binary on a slim Debian, run as an unprivileged user.
# Build: docker compose build (see docker-compose.yml and the README).
FROM rust:1.95-bookworm AS build
WORKDIR /src
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
EXPOSE 8080
ENTRYPOINT ["green-channel"]
CMD ["serve"]
