# One image for both processes: `npm start` (HTTP API + pages) and `npm run worker`.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=development
COPY package.json package-lock.json ./
# a fix to the database driver that its release does not have yet (patches/, applied by npm ci)
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
CMD ["npm", "start"]
