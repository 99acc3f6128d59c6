# Builds the service and runs it as a non-root user. `docker compose up` starts it with
# PostgreSQL and the demo data.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN cargo build --release --locked --bin lianzheng

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 lianzheng
COPY --from=build /app/target/release/lianzheng /usr/local/bin/lianzheng
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER lianzheng
EXPOSE 8080
ENV BIND_ADDR=0.0.0.0:8080
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
