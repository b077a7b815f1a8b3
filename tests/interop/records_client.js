#!/usr/bin/env node
// A gRPC client of org-records that is not Python: it loads records.proto at run time with proto-loader,
// calls CreateBusiness then GetBusiness, and prints the business it read back as JSON on stdout.
//
//   node records_client.js --address 127.0.0.1:50051 [--token T] [--business '{"name": …}'] [--include DIR]
//
// The well-known types (google/protobuf/timestamp.proto) come bundled with protobufjs; `--include` adds
// directories to search as well (e.g. grpcio-tools' `_proto`).
"use strict";

const path = require("node:path");
const { parseArgs } = require("node:util");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const PROTO_ROOT = path.resolve(__dirname, "..", "..", "proto");
const PROTOBUFJS_ROOT = path.dirname(require.resolve("protobufjs/package.json"));

const DEFAULT_BUSINESS = {
  name: "株式会社ノード試験製作所",
  name_kana: "ノードシケンセイサクショ",
  corporate_number: "5220005002171",
  business_form: "corporation",
  jsic_major: "E",
  jsic_middle: "32",
  sharing_consent: true,
};

function options() {
  const { values } = parseArgs({
    options: {
      address: { type: "string" },
      token: { type: "string" },
      business: { type: "string" },
      include: { type: "string", multiple: true, default: [] },
      "deadline-ms": { type: "string", default: "10000" },
    },
  });
  if (!values.address) {
    throw new Error("--address host:port is required");
  }
  return values;
}

function recordsClient(address, includeDirs) {
  const definition = protoLoader.loadSync("banso/records/v1/records.proto", {
    includeDirs: [PROTO_ROOT, PROTOBUFJS_ROOT, ...includeDirs],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const { RecordsService } = grpc.loadPackageDefinition(definition).banso.records.v1;
  return new RecordsService(address, grpc.credentials.createInsecure());
}

function call(client, method, request, metadata, deadlineMs) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + deadlineMs);
    client[method](request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

async function main() {
  const values = options();
  const metadata = new grpc.Metadata();
  if (values.token) {
    metadata.set("authorization", `Bearer ${values.token}`);
  }
  const business = values.business ? JSON.parse(values.business) : DEFAULT_BUSINESS;
  const deadlineMs = Number(values["deadline-ms"]);
  const client = recordsClient(values.address, values.include);
  try {
    const created = await call(client, "CreateBusiness", { business }, metadata, deadlineMs);
    const read = await call(client, "GetBusiness", { id: created.business.id }, metadata, deadlineMs);
    process.stdout.write(`${JSON.stringify({ created_id: created.business.id, business: read.business })}\n`);
  } finally {
    client.close();
  }
}

main().catch((error) => {
  // grpc-js errors carry the status code and details; print them so the caller can tell what failed.
  const detail = error.code === undefined ? String(error.stack || error) : `${error.code} ${error.details}`;
  process.stderr.write(`records_client: ${detail}\n`);
  process.exit(1);
});
