package correspondence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"tuphap/internal/fault"
)

// S3 keeps the files in a bucket of an S3-compatible object store (MinIO, Ceph, SeaweedFS, a
// cloud provider's), the scale-out option when several nodes serve one database: each node
// reads what another stored. Objects are named by their hash like Disk's files, written once
// (an object already there is not written again) and checked against their hash when read.
// The client is minio-go (Apache 2.0), which speaks the S3 protocol to any of them.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 opens the bucket at rawURL, "https://s3.example.vn/tuphap-files" (path-style: the
// bucket is the path), with the access and secret keys; region may be "".
func NewS3(ctx context.Context, rawURL, accessKey, secretKey, region string) (*S3, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("files: %q is not an http(s) address of a bucket", rawURL)
	}
	bucket := strings.Trim(u.Path, "/")
	if bucket == "" || strings.Contains(bucket, "/") {
		return nil, fmt.Errorf("files: %q names no bucket (https://host/bucket)", rawURL)
	}
	client, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey, ""), Secure: u.Scheme == "https",
		Region: region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("files: bucket %s at %s: %w", bucket, u.Host, err)
	}
	if !ok {
		return nil, fmt.Errorf("files: there is no bucket %s at %s", bucket, u.Host)
	}
	return &S3{client: client, bucket: bucket}, nil
}

func objectName(hash string) (string, error) {
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return "", fault.New(fault.NotFound, "correspondence.file_not_found")
	}
	return hash[:2] + "/" + hash, nil
}

// Put stores data under its hash, unless an object of that name and size is there already.
func (s *S3) Put(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	name, _ := objectName(hash)
	if info, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{}); err == nil && info.Size == int64(len(data)) {
		return hash, nil
	}
	_, err := s.client.PutObject(ctx, s.bucket, name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true})
	if err != nil {
		return "", fmt.Errorf("files: put %s: %w", hash, err)
	}
	return hash, nil
}

// Get reads a stored file, checking that it still has its hash.
func (s *S3) Get(ctx context.Context, hash string) ([]byte, error) {
	name, err := objectName(hash)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("files: get %s: %w", hash, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(io.LimitReader(obj, MaxFile+1))
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, fault.New(fault.NotFound, "correspondence.file_not_found")
		}
		return nil, fmt.Errorf("files: get %s: %w", hash, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return nil, fmt.Errorf("files: %s does not match its hash", hash)
	}
	return data, nil
}
