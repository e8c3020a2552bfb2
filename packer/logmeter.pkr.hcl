# Bakes an Amazon Linux 2023 AMI with Amazon Corretto 21, logmeter-serve.jar and its hardened
# systemd unit (ansible/roles/logmeter). Written for Packer 1.6.6, so: no `packer init`,
# no required_plugins, no data sources (the base AMI is found by source_ami_filter).
#
#   mvn -q -DskipTests package
#   packer build -var version=1.2.3 packer/logmeter.pkr.hcl
#
# The AMI id ends up in packer/manifest.json (artifact_id "region:ami-...").

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "instance_type" {
  type    = string
  default = "c7i.large"
}

# x86_64 or arm64 (then pick a Graviton instance_type, e.g. c7g.large, here and in ansible/).
variable "arch" {
  type    = string
  default = "x86_64"
}

variable "version" {
  type    = string
  default = "dev"
}

# The production jar, without the embedded AWS servers. Absolute, or relative to this directory.
variable "jar_path" {
  type    = string
  default = "../target/logmeter-serve.jar"
}

# Optional: build in a given subnet (it needs a route to the internet for dnf and SSH).
variable "subnet_id" {
  type    = string
  default = ""
}

variable "ssh_source_cidrs" {
  type        = list(string)
  description = "Addresses allowed to reach the build instance's SSH port (the temporary security group). Narrow it to your build host, e.g. [\"203.0.113.7/32\"]."
  default     = ["0.0.0.0/0"]
}

locals {
  build_time = formatdate("YYYYMMDDhhmmss", timestamp())
  jar        = abspath(substr(var.jar_path, 0, 1) == "/" ? var.jar_path : "${path.root}/${var.jar_path}")
}

source "amazon-ebs" "logmeter" {
  region        = var.region
  instance_type = var.instance_type
  subnet_id     = var.subnet_id
  ami_name      = "logmeter-${var.version}-${var.arch}-${local.build_time}"
  ssh_username  = "ec2-user"

  source_ami_filter {
    owners      = ["amazon"]
    most_recent = true
    filters = {
      name                = "al2023-ami-2023.*-kernel-6.1-${var.arch}"
      architecture        = var.arch
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
  }

  # gp3 root volume, encrypted with the account's default EBS key. Packer 1.6.6 needs gp3's
  # iops and throughput spelled out (these are gp3's free baseline).
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_type           = "gp3"
    volume_size           = 8
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }
  encrypt_boot = true

  tags = {
    Name        = "logmeter-${var.version}"
    Application = "logmeter"
    Version     = var.version
    BaseAMI     = "{{ .SourceAMI }}"
    BaseAMIName = "{{ .SourceAMIName }}"
    BuildTime   = local.build_time
  }
  snapshot_tags = {
    Name        = "logmeter-${var.version}"
    Application = "logmeter"
    Version     = var.version
    BuildTime   = local.build_time
  }
  temporary_security_group_source_cidrs = var.ssh_source_cidrs
  run_tags = {
    Name        = "logmeter-packer-build"
    Application = "logmeter"
  }
}

build {
  sources = ["source.amazon-ebs.logmeter"]

  # The jar goes over Packer's own SSH connection (fast for a large file), and a missing jar
  # fails `packer validate` rather than a build half-way through.
  provisioner "file" {
    source      = local.jar
    destination = "/tmp/logmeter.jar"
  }

  provisioner "ansible" {
    playbook_file = "${path.root}/../ansible/bake.yml"
    user          = "ec2-user"
    extra_arguments = [
      "--extra-vars", "logmeter_jar_src=/tmp/logmeter.jar ansible_python_interpreter=/usr/bin/python3",
    ]
    # Packer's SSH proxy offers only an ssh-rsa host key and takes an RSA client key, which
    # OpenSSH 8.8+ refuses by default; and since OpenSSH 9.0 scp speaks SFTP, which the proxy
    # does not serve: -O brings back the classic scp protocol.
    ansible_env_vars = [
      "ANSIBLE_HOST_KEY_CHECKING=False",
      "ANSIBLE_SSH_ARGS=-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa -o ControlMaster=auto -o ControlPersist=60s",
      "ANSIBLE_SSH_TRANSFER_METHOD=scp",
      "ANSIBLE_SCP_EXTRA_ARGS=-O",
      "ANSIBLE_PIPELINING=True",
      "ANSIBLE_NOCOLOR=True",
    ]
  }

  provisioner "shell" {
    inline = ["sudo rm -f /tmp/logmeter.jar"]
  }

  post-processor "manifest" {
    output     = "${path.root}/manifest.json"
    strip_path = true
    custom_data = {
      version = var.version
      arch    = var.arch
    }
  }
}
