# The operator image: whatapctl's esbuild bundle on distroless Node.js 24, non-root, no shell.
#   docker build -t whatap-operator:0.1.0 .
# ENTRYPOINT is `whatapctl`, so the Helm chart's `args: [run, --leader-elect=..., ...]` run
# `whatapctl run ...` (and the Go operator's `command: [/manager]` runs `whatapctl run` too);
# every other command works the same way:
#   docker run --rm -i whatap-operator:0.1.0 validate - < agent.yaml
# packages/cli/test/image.test.ts checks this file statically (no container engine needed).

# Build: the repository's own bundle build, on the Node.js version the repository pins
# (devDependency `node` 24.21.0).
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /src
# Only what the bundle is made from: the workspace manifests and the packages' sources
# (.dockerignore keeps out node_modules, dist, .git and anything secret).
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages/ packages/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# No dependency's install script runs but the two the build needs: the pinned `node` (its
# preinstall puts the binary behind node_modules/.bin/node, which npm scripts run on) and esbuild.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund \
    && npm rebuild node esbuild \
    && npm run build -w @whatap-operator/cli

# Run: distroless Node.js 24 on Debian 12, as the image's `nonroot` user (65532, the chart's
# runAsUser); no shell, no package manager, nothing but node and the bundle: its entry file
# and the chunks it loads per command.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
COPY --from=build /src/packages/cli/dist/whatapctl.mjs /app/whatapctl.mjs
COPY --from=build /src/packages/cli/dist/chunks/ /app/chunks/
# The Go operator's entrypoint name: its Deployment (`command: [/manager]` and its flags)
# runs this operator unchanged (`whatapctl run` with the same args).
COPY --chmod=0755 packages/cli/image/manager /manager
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/app/whatapctl.mjs"]
