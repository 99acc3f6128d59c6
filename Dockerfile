# Builds the service and runs it as a non-root user. `docker compose up` starts it with
# PostgreSQL and the demo county (see docker-compose.yml).
#
# The builder follows the newest rust-version in Cargo.lock's dependency graph, not the one in
# Cargo.toml: parking_lot 0.13 / lock_api 0.5 (through diesel's r2d2) need Rust 1.95, and
# `cargo build` refuses an older toolchain.
FROM rust:1.95-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Only what the binary is built from: the manifest and lock, the sources, the migrations
# (embed_migrations!) and the data files compiled in (include_str!). Copying the whole tree
# would also copy a local target/ of several gigabytes into the layer.
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY data ./data
RUN cargo build --release --locked --bin lianzheng

FROM debian:bookworm-slim
# libssl3: libpq (bundled by pq-sys) links the system OpenSSL; ca-certificates for TLS to a
# managed PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin lianzheng \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/lianzheng
COPY --from=build /app/target/release/lianzheng /usr/local/bin/lianzheng
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/lianzheng /usr/local/bin/docker-entrypoint.sh
USER 10001:10001
# /var/lib/lianzheng: where the entrypoint keeps generated secrets (LIANZHENG_SECRETS_FILE);
# mount a volume there. The image itself holds no secret.
ENV BIND_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
