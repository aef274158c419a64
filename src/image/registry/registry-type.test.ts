// Table-driven tests of registry family detection and API base URLs.
import { describe, expect, it } from 'vitest';
import type { RegistryType } from '../../core/model.ts';
import { registryType, registryUrl } from './registry-type.ts';

const TYPES: [string, RegistryType][] = [
  ['docker.io', 'dockerhub'],
  ['index.docker.io', 'dockerhub'],
  ['registry-1.docker.io', 'dockerhub'],
  ['Docker.IO', 'dockerhub'],
  ['ghcr.io', 'ghcr'],
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'ecr'],
  ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr'],
  ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'ecr'],
  ['public.ecr.aws', 'ecr'],
  ['12345.dkr.ecr.us-east-1.amazonaws.com', 'other'],
  ['gcr.io', 'gcr'],
  ['eu.gcr.io', 'gcr'],
  ['us-docker.pkg.dev', 'gcr'],
  ['europe-west1-docker.pkg.dev', 'gcr'],
  ['myregistry.azurecr.io', 'acr'],
  ['quay.io', 'quay'],
  ['harbor.example.com', 'harbor'],
  ['registry-harbor.corp:8443', 'harbor'],
  ['localhost:5000', 'other'],
  ['127.0.0.1:5000', 'other'],
  ['registry.example.com', 'other'],
  ['notgcr.io', 'other'],
  ['[::1]:5000', 'other'],
];

const URLS: [string, boolean, string][] = [
  ['docker.io', false, 'https://registry-1.docker.io'],
  ['index.docker.io', false, 'https://registry-1.docker.io'],
  ['ghcr.io', false, 'https://ghcr.io'],
  ['localhost:5000', false, 'https://localhost:5000'],
  ['localhost:5000', true, 'http://localhost:5000'],
  ['127.0.0.1:5000', true, 'http://127.0.0.1:5000'],
  ['[::1]:5000', true, 'http://[::1]:5000'],
];

describe('registryType', () => {
  it.each(TYPES)('%s is %s', (host, type) => {
    expect(registryType(host)).toBe(type);
  });
});

describe('registryUrl', () => {
  it.each(URLS)('%s (insecure %s) is %s', (host, insecure, url) => {
    expect(registryUrl(host, insecure)).toBe(url);
  });
});
