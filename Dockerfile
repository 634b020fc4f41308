# Hearth in a container: docker build -t hearth . (see README.md, "Run it in a container").
# Two stages: a Go toolchain with a C compiler builds the binary (SQLite is
# linked through cgo), and a small glibc image without a shell runs it.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# Keep this line as it is: a test in cmd/hearth builds with the same flags.
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hearth ./cmd/hearth

# distroless/base has glibc (which the cgo build links), CA certificates
# and time zone data, and a non-root user; nothing else.
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/hearth /usr/local/bin/hearth
COPY deploy/config.docker.toml /config/config.toml
# The database lives on a volume, so it outlives the container.
VOLUME /data
WORKDIR /data
USER 65532:65532
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["run", "--config", "/config/config.toml"]
