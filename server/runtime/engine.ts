// Connects to the engine named by DOCKER_HOST (Docker or Podman's Docker-compatible socket),
// defaulting to the local Docker socket.
import Docker from 'dockerode';

export interface EngineConnection {
  docker: Docker;
  endpoint: string;
}

export function connectEngine(dockerHost: string | undefined): EngineConnection {
  if (!dockerHost)
    return {
      docker: new Docker({ socketPath: '/var/run/docker.sock' }),
      endpoint: 'unix:///var/run/docker.sock',
    };
  if (dockerHost.startsWith('unix://')) {
    return { docker: new Docker({ socketPath: dockerHost.slice('unix://'.length) }), endpoint: dockerHost };
  }
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return {
    docker: new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' }),
    endpoint: dockerHost,
  };
}
